"""HTTP: building a request from a call and its values, its body, sending it bounded
(deadline, size cap, redirects, TLS, proxies, content coding) and the small local server.
"""
