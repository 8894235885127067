"""portals."""
