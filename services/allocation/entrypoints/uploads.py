"""An HTTP endpoint extension for uploads: `@raw_api` is `@api` with a file as the body."""

from __future__ import annotations

from services.common.errors import BadRequest
from services.common.http import Api

MAX_CSV_BYTES = 20 * 2**20


class RawBodyApi(Api):
    """An `@api` endpoint whose body is a file (text/csv, or multipart field `file`), handed
    to the method as bytes in `req.body`."""

    def _load_body(self, request):
        if request.content_length and request.content_length > MAX_CSV_BYTES:
            raise BadRequest("file too large", errors={"body": [f"at most {MAX_CSV_BYTES} bytes"]})
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            if upload is None:
                raise BadRequest("multipart body needs a field named 'file'", errors={"file": ["missing"]})
            return upload.read()
        data = request.get_data(cache=True)
        if not data:
            raise BadRequest("a CSV body is required", errors={"body": ["missing"]})
        return data


raw_api = RawBodyApi.decorator
