"""The HTTP API's controllers: thin adapters from requests to the service layer (service/)."""
