"""Records of the public contract: validation of inputs and construction of outputs."""
