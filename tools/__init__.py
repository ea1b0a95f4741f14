"""Repository tools (diagram and schema generators); not deployed."""
