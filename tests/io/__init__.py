"""Tests of reading and writing documents: text, conversion, files, corpus, hostile input (src/tipframe/io)."""
