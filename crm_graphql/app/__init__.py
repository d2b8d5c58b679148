"""The application: the schema assembled from every domain's roots, the Starlette app and its
lifespan, the command line and the server processes."""
