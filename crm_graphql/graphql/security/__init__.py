"""What stands between a client and the schema: operation limits, the query cost estimate,
production error masking, request ids, the multipart CSRF check and CORS.

request_ids       one id per request or connection, quoted in masked errors
masking           which errors a client may see as they are (production)
fragment_guard    unknown, circular and exploding fragments, refused before any rule walks them
cost              the estimated number of objects an operation can return
document_checks   parsing and validation once per distinct document (DocumentChecks)
extensions        the schema extensions the settings ask for
http              the multipart CSRF check and CORS
"""
