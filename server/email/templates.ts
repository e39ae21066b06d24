import type { Mail } from './mailer.ts';

export function verificationMail(to: string, link: string): Mail {
  return {
    to, kind: 'email_verification', subject: 'Confirm your FingerFlow email',
    text: `Welcome to FingerFlow.\n\nConfirm your email address by opening this link within 24 hours:\n\n${link}\n\nIf you did not create an account, ignore this message.`,
  };
}

export function passwordResetMail(to: string, link: string): Mail {
  return {
    to, kind: 'password_reset', subject: 'Reset your FingerFlow password',
    text: `Someone asked to reset the password of your FingerFlow account.\n\nOpen this link within 1 hour to choose a new password:\n\n${link}\n\nIf it was not you, ignore this message; your password stays as it is.`,
  };
}
