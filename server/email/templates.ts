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

/** To the owner of an address someone tried to register again: the register answer says nothing. */
export function accountExistsMail(to: string, signInLink: string, resetLink: string): Mail {
  return {
    to, kind: 'account_exists', subject: 'Someone tried to sign up with your FingerFlow email',
    text: `Someone (maybe you) tried to create a FingerFlow account with this address, which already has one.\n\nSign in: ${signInLink}\nForgot your password? ${resetLink}\n\nIf it was not you, nothing changed and you can ignore this message.`,
  };
}

/** To the new address of a pending email change: the change happens only when this link is opened. */
export function emailChangeMail(to: string, link: string): Mail {
  return {
    to, kind: 'email_change', subject: 'Confirm your new FingerFlow email',
    text: `Someone asked to move a FingerFlow account to this address.\n\nTo confirm, open this link within 24 hours:\n\n${link}\n\nIf it was not you, ignore this message; nothing changes.`,
  };
}

/** To the new address when it already belongs to another account (the request answered the same). */
export function emailChangeTakenMail(to: string): Mail {
  return {
    to, kind: 'email_change_taken', subject: 'Your FingerFlow email',
    text: `Someone asked to move another FingerFlow account to this address, but this address already has an account, so nothing changed.\n\nIf it was not you, you can ignore this message.`,
  };
}

/** To the old address once the change is done, with a way back. */
export function emailChangedMail(to: string, newEmail: string, undoLink: string): Mail {
  return {
    to, kind: 'email_change_undo', subject: 'Your FingerFlow email was changed',
    text: `The email of your FingerFlow account was changed to ${newEmail}.\n\nIf it was not you, open this link within 7 days to put this address back and sign out every device:\n\n${undoLink}\n\nThen choose a new password with the link we send next.`,
  };
}

/** A sensitive change was made: the owner hears of it on the account's address. */
export function securityNoticeMail(to: string, what: string): Mail {
  return {
    to, kind: 'security_notice', subject: `FingerFlow: ${what}`,
    text: `This is a notice that on your FingerFlow account: ${what}.\n\nIf it was you, there is nothing to do. If it was not, reset your password now and turn on two-factor authentication.`,
  };
}
