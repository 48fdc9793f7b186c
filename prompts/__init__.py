"""Audio prompts by language: the catalogue of what each says, espeak-ng sources, and the
build into the formats Asterisk plays (8 kHz mono 16-bit WAV, 16 kHz ``.sln16``)."""
