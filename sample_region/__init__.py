"""The bundled demo region: deterministic synthetic data on the public municipality list of Краснодарский край."""
