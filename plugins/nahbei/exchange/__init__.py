"""Exchange with other directories (no MkDocs import): the directory in Open
Referral's Human Services Data Specification 3.0 (``hsds``)."""
