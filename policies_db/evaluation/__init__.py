"""A firm's profile against the catalogue: the compiled engine, three-valued logic, results, reasons,
places and covered regions, contacts and validity, the SME size standard."""
