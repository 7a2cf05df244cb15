"""The institution tables (`cio_sim.institutions`) fit together."""

from cio_sim import institutions


def test_every_domain_has_a_route_in_every_voorportaal_set() -> None:
    for name, routes in institutions.DOMAIN_ROUTES.items():
        assert set(routes) == set(institutions.DOMAINS)
        used = {vp for route in routes.values() for vp in route}
        assert used <= set(institutions.VOORPORTAAL_SETS[name])
