/** Limits of DESIGN §8 that clients may rely on (also served by /meta/capabilities). */
export const LIMITS = {
  max_body_bytes: 256 * 1024,
  max_page_size: 100,
  default_page_size: 25,
  max_markdown_chars: 100_000,
  max_title_chars: 255,
  max_display_name_chars: 120,
  max_user_id_chars: 128,
  token_default_expires_in_days: 90,
  token_max_expires_in_days: 365,
  jwt_max_lifetime_s: 15 * 60,
  connected_window_s: 10 * 60,
} as const;
