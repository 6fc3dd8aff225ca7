"""Uploaded images: checked (type, size) before saving, scaled down with Pillow, and copied once
into the responsive renditions pages offer through srcset."""

import contextlib
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

# MPO is how Pillow reads many phone cameras' JPEGs; they are stored as plain JPEG.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
MAX_PIXELS_SIDE = 2400


def validate_image_upload(file):
    if getattr(file, "_committed", False):
        return  # already stored (and checked when it was uploaded)
    if file.size > settings.IMAGE_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The image is too large (maximum %(limit)d MB)."),
            params={"limit": settings.IMAGE_UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with Image.open(file) as image:
            image_format = image.format
            image.verify()
    except Image.DecompressionBombError as exc:
        raise ValidationError(_("This image has too many pixels."), code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(
            _("Please upload an image file (JPEG, PNG or WebP)."), code="not_image"
        ) from exc
    finally:
        file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Please upload a file in JPEG, PNG or WebP format."), code="format")


def shrink_to_fit(file):
    """Return a re-encoded copy of a new upload, upright and downscaled, or None when it is
    already both."""
    with Image.open(file) as image:
        rotated = image.getexif().get(ExifTags.Base.Orientation, 1) != 1
        if max(image.size) <= MAX_PIXELS_SIDE and not rotated and image.format != "MPO":
            file.seek(0)
            return None
        image_format = "JPEG" if image.format == "MPO" else image.format
        # Phones store photos sideways plus an EXIF rotation, which re-encoding would drop.
        image = ImageOps.exif_transpose(image)
        image.thumbnail((MAX_PIXELS_SIDE, MAX_PIXELS_SIDE))
        buffer = BytesIO()
        image.save(buffer, format=image_format, quality=85, optimize=True)
    return InMemoryUploadedFile(
        buffer, None, file.name, f"image/{image_format.lower()}", buffer.tell(), None
    )


# Widths of the copies made for srcset: a phone, a phone at 2x or a tablet, a desktop at 2x.
RENDITION_WIDTHS = (480, 960, 1600)


def make_renditions(stored):
    """WebP and JPEG copies of a stored image at each of RENDITION_WIDTHS it is wide enough for
    (and at its own width when it is narrower), saved beside it; made once, when it is uploaded,
    so that a page never resizes anything. Returns [{"width", "height", "webp", "jpeg"}]."""
    storage = stored.storage
    stem = stored.name.rsplit(".", 1)[0]
    renditions = []
    with storage.open(stored.name, "rb") as file, Image.open(file) as image:
        image = image.convert("RGB")
        widths = [w for w in RENDITION_WIDTHS if w < image.width] + [
            min(image.width, RENDITION_WIDTHS[-1])
        ]
        for width in sorted(set(widths)):
            copy = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
            names = {}
            for image_format, extension in (("WEBP", "webp"), ("JPEG", "jpg")):
                buffer = BytesIO()
                copy.save(buffer, format=image_format, quality=80, optimize=True)
                name = storage.save(f"{stem}-{width}w.{extension}", ContentFile(buffer.getvalue()))
                names[extension] = name
            renditions.append(
                {
                    "width": copy.width,
                    "height": copy.height,
                    "webp": names["webp"],
                    "jpeg": names["jpg"],
                }
            )
    return renditions


class ResizedImageField(models.ImageField):
    """An ImageField that validates uploads and scales new ones down before storing them; with
    `renditions_field`, it also stores the responsive copies' names and sizes there."""

    default_validators = [validate_image_upload]

    def __init__(self, *args, renditions_field=None, **kwargs):
        self.renditions_field = renditions_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.renditions_field:
            kwargs["renditions_field"] = self.renditions_field
        return name, path, args, kwargs

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        # A file lost from storage must not take the page down with it.
        with contextlib.suppress(FileNotFoundError):
            super().update_dimension_fields(instance, force, *args, **kwargs)

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        new = bool(file) and not file._committed
        if new:
            smaller = shrink_to_fit(file.file)
            if smaller is not None:
                file.save(file.name, smaller, save=False)
        file = super().pre_save(model_instance, add)
        if self.renditions_field and (new or not file):
            setattr(model_instance, self.renditions_field, make_renditions(file) if file else [])
        return file
