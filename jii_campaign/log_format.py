"""Application logs as JSON lines (one object per record) for production log collectors."""

import datetime
import json
import logging


class JsonLinesFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:  # as a filter may have left it (jii_campaign/log_redaction.py)
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)
