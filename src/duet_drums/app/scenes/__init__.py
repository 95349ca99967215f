"""One module per screen; each is a `Scene` the App stacks (see `base`)."""
