"""The web pages (网页): server-rendered, in Chinese with English beside it, for caseworkers, finance and auditors."""
