"""Privacy-policy versions (policy H): publication, notice to every user, acknowledgements."""
