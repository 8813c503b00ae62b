"""Turn IRIs and decoded paths into URIs, the only form an HTTP header may carry.

    iri_to_uri("/articles/café/?q=☃")   # "/articles/caf%C3%A9/?q=%E2%98%83"
    escape_uri_path("/100%/")           # "/100%25/"

Every Location the framework sets goes through `iri_to_uri()` (see
`core.http.Response.location`), so a redirect to a path with non-ASCII characters is a
valid header instead of a server error.
"""

from __future__ import annotations

from urllib.parse import quote

# RFC 3986's reserved characters, its unreserved punctuation and "%" (an existing escape):
# what Django's iri_to_uri() keeps. Anything else, non-ASCII first, is percent-encoded.
IRI_SAFE = "/#%[]=:;$&()+,!?*@'~"
# A decoded path segment keeps its delimiters; "%" is a literal percent sign there.
PATH_SAFE = "/:@!$&'()*+,;=~"


def iri_to_uri(iri: str | bytes) -> str:
    """Percent-encode what a URI cannot hold in `iri`, keeping reserved characters and escapes.

    Non-ASCII characters become their UTF-8 bytes, percent-encoded; reserved characters
    (`/?#&=:`...) and existing `%XX` escapes stay as they are, so encoding twice changes
    nothing. Bytes (a raw query string as the server received it) are encoded as they are.
    """
    return quote(iri, safe=IRI_SAFE)


def escape_uri_path(path: str) -> str:
    """Percent-encode a decoded path (such as `request.path_info`) into a URI path.

    Unlike `iri_to_uri()`, a `%` here is a literal character and is encoded as `%25`.
    """
    return quote(path, safe=PATH_SAFE)


__all__ = ["IRI_SAFE", "PATH_SAFE", "escape_uri_path", "iri_to_uri"]
