"""notify (通知与公示): templates, deliveries, subscriptions and the public notice board."""
