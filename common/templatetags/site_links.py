"""Absolute links for e-mails, which are read far from the site: {% site_url 'name' arg %}."""

from django import template
from django.urls import reverse

from common.links import absolute

register = template.Library()


@register.simple_tag
def site_url(name: str, *args) -> str:
    return absolute(reverse(name, args=args))
