"""The service layer (服务层): what every entry point (HTTP, CLI) asks of the ledger, authorised once."""
