"""ipywidgets views: composites that own a model and expose Python-callable actions."""
