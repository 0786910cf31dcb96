"""Data requests (policy D and F): access, correction and guardian deletion on the law's clock."""
