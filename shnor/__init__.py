"""ШНОР monitoring warehouse: orchestration, warehouse access and the command line."""
