"""Pure models: the rules the curriculum teaches, with no ipywidgets import."""
