-- Links and sends still counting move to the one tokens table and email_sends before the old tables go.
INSERT INTO `tokens` (`id`, `user_id`, `purpose`, `data`, `credential_generation`, `created_at`, `expires_at`)
SELECT t.`id`, t.`user_id`, 'password_reset', NULL, u.`credential_generation`, t.`created_at`, t.`expires_at`
FROM `password_reset_tokens` t JOIN `users` u ON u.`id` = t.`user_id`;--> statement-breakpoint
INSERT INTO `email_sends` (`key`, `purpose`, `sent_at`) SELECT `email_hash`, 'password_reset', `sent_at` FROM `password_reset_emails`;--> statement-breakpoint
DROP TABLE `password_reset_emails`;--> statement-breakpoint
DROP TABLE `password_reset_tokens`;
