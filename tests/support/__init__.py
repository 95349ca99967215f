"""Helpers shared by tests and benchmarks: private JACK and X servers, virtual devices."""
