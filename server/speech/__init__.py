"""Speech models shared by voice practice and recorded-call import: where they live, loaded
once per process."""
