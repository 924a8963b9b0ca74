CREATE TABLE `imported_emails` (
	`email_hash` text PRIMARY KEY NOT NULL,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
DROP TABLE `login_failures`;