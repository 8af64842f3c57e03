"""Answering: retrieved chunks → quoted, dated evidence → an answer with citations."""
