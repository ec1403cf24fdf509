import { randomBytes } from "node:crypto";

/** Every state-changing console form carries one; the component that renders the form draws it. */
export const FORM_NONCE_FIELD = "form_nonce";
export const FORM_NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** A fresh one-time nonce (16 random bytes): nothing is stored until the form is posted. */
export const newFormNonce = (): string => randomBytes(16).toString("base64url");
