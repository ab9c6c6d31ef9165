from celery import shared_task

from .delivery import deliver


@shared_task(name="notifications.deliver")
def deliver_notifications() -> int:
    return deliver()
