"""What tests of several apps share; not imported by the product."""
