"""One module per screen; each is a `Scene` the navigator opens by route (`app/registry.py`
says which scene shows which route). Scene modules import `base` and never each other."""
