"""Pure rules of city-wide legal aid (法律援助“市域通办”): no I/O, no clock reads."""
