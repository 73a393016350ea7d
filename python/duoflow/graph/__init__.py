"""Flow graphs: the model, how to build one from Python, the rules, and text views."""
