"""Load: find and read a site's source files and validate them into the model (``model.Site``), every problem located."""
