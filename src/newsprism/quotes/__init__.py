"""Quotes and speakers: who said what in each article, and the same statement across outlets."""

from newsprism.quotes.extract import QuoteExtractor, extract_quotes
from newsprism.quotes.group import group_quotes, word_diff
from newsprism.quotes.output import article_row, quote_to_dict

__all__ = ["QuoteExtractor", "article_row", "extract_quotes", "group_quotes", "quote_to_dict", "word_diff"]
