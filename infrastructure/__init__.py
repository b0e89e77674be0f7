"""What touches the world: storage, keys, signing, configuration. Wired in infrastructure.bootstrap."""
