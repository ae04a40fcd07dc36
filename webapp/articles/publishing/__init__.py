"""Issues of the office's publications (assembly, order, numbers, lock, corrections, .docx/PDF) and leaders'
instructions (批示) with their follow-ups. Every URL is here."""

from flask import Blueprint

bp = Blueprint("articles_publishing", __name__, url_prefix="/office/publishing")
