"""Data files shipped inside the package (the matcher's glossary)."""
