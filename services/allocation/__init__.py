"""allocation (房源与分配): housing stock, allocation rounds, offers, tenancies, violations."""
