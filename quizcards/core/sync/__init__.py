"""The sync journal's pure rules: entries and their lines, the merged log's order, reading new lines."""
