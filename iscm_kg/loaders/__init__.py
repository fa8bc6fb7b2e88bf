"""Loaders: each turns one or more curated tables into named graphs of the dataset."""
