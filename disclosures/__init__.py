"""Recipients and disclosures (policy C): who receives personal data, and each time they do."""
