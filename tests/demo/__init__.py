"""The demo generator, its export files, the headline and `mille demo`."""
