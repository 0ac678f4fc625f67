"""Users sign in with their email address; there is no username."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    """Creates users and superusers from an email and a password."""

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        """Create a user, normalizing the email's domain."""
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        """Create a user with every permission and access to the admin."""
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254, unique=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now, db_index=True)
    # Set by the welcome email task once the mail server took the message, so a
    # second run of the task (after a worker crash) does not send it again.
    welcome_email_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        constraints = [
            # One account per address, whatever its case: the database enforces it,
            # so two simultaneous registrations cannot both succeed.
            models.UniqueConstraint(Lower("email"), name="unique_user_email_ci"),
        ]

    def __str__(self) -> str:
        return self.email


class MailRequest(models.Model):
    """A request that sent mail (registration, password reset), counted by accounts/limits.py.

    Kept in the database, the count is the same for every web process; `key` is a keyed hash of
    the client's IP address or of the address mailed, so the table holds neither.
    """

    key = models.CharField(max_length=64)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.key[:8]}… at {self.requested_at}"
