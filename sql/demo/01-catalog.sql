-- 01-catalog.sql - demo data, part 1: people, hosts, products, and rooms,
-- every room still 'created'.  Ids are deterministic (md5 of a label).
-- Part 2 (02-open-and-fill.sql) opens and fills the rooms; rooms open only
-- once alot-draw has committed their server seeds.

CREATE FUNCTION pg_temp.id(label TEXT) RETURNS UUID AS $$
    SELECT md5(label)::uuid
$$ LANGUAGE sql IMMUTABLE;

INSERT INTO users (id, email, username, hashed_password, full_name, verified_email, verified_identity, created_at)
SELECT pg_temp.id('user' || i),
       format('buyer%s@example.com', i),
       format('%s%s', (ARRAY['watchfan', 'bagqueen', 'sneakerhead', 'grailhunter', 'collector'])[1 + i % 5], i),
       '$argon2id$v=19$m=65536,t=3,p=4$demo$demo',
       format('Demo Buyer %s', i), true, i % 3 = 0,
       LOCALTIMESTAMP - INTERVAL '60 days' + i * INTERVAL '3 hours'
  FROM generate_series(1, 40) AS i;

INSERT INTO users (id, email, username, hashed_password, full_name, verified_email, created_at) VALUES
  (pg_temp.id('admin-dana'), 'dana@alot.example', 'dana', '$argon2id$demo', 'Dana Okafor (draw admin)', true, LOCALTIMESTAMP - INTERVAL '90 days'),
  (pg_temp.id('admin-milo'), 'milo@alot.example', 'milo', '$argon2id$demo', 'Milo Berg (moderator)', true, LOCALTIMESTAMP - INTERVAL '90 days'),
  (pg_temp.id('admin-rhea'), 'rhea@alot.example', 'rhea', '$argon2id$demo', 'Rhea Voss (former admin)', true, LOCALTIMESTAMP - INTERVAL '90 days'),
  (pg_temp.id('host-tick'), 'vault@tickandtock.example', 'tickandtock', '$argon2id$demo', 'Tick & Tock Vault', true, LOCALTIMESTAMP - INTERVAL '90 days'),
  (pg_temp.id('host-sole'), 'hello@solearchive.example', 'solearchive', '$argon2id$demo', 'Sole Archive', true, LOCALTIMESTAMP - INTERVAL '90 days');

INSERT INTO admin_users (id, user_id, role, permissions, active) VALUES
  (pg_temp.id('admin:dana'), pg_temp.id('admin-dana'), 'admin',
   '{"can_create_lots": true, "can_execute_draws": true, "can_manage_hosts": false}', true),
  (pg_temp.id('admin:milo'), pg_temp.id('admin-milo'), 'moderator',
   '{"can_create_lots": false, "can_execute_draws": false}', true),
  (pg_temp.id('admin:rhea'), pg_temp.id('admin-rhea'), 'admin',
   '{"can_create_lots": true, "can_execute_draws": true}', false);

INSERT INTO hosts (id, user_id, display_name, slug, description, status, approved, approved_at, approved_by,
                   revenue_share_percentage, stripe_onboarding_completed) VALUES
  (pg_temp.id('host:tick'), pg_temp.id('host-tick'), 'Tick & Tock Vault', 'tick-and-tock',
   'Authenticated pre-owned watches', 'approved', true, LOCALTIMESTAMP - INTERVAL '89 days', pg_temp.id('admin-dana'), 10.00, true),
  (pg_temp.id('host:sole'), pg_temp.id('host-sole'), 'Sole Archive', 'sole-archive',
   'Deadstock sneakers', 'approved', true, LOCALTIMESTAMP - INTERVAL '89 days', pg_temp.id('admin-dana'), 12.50, true);

INSERT INTO product_classes (id, sku, name, brand, category, tier, retail_value, appraised_value,
                             specifications, condition, images, serial_number) VALUES
  (pg_temp.id('product:sub'), 'RLX-126610LN', 'Submariner Date 41', 'Rolex', 'watch', 'GRAIL', 10250.00, 14100.00,
   '{"movement": "automatic", "case_size": "41mm"}', 'excellent', '["https://cdn.alot.example/sub-1.jpg", "https://cdn.alot.example/sub-2.jpg"]', 'Z1234567'),
  (pg_temp.id('product:speedy'), 'OMG-310.30.42', 'Speedmaster Moonwatch', 'Omega', 'watch', 'RARE', 7600.00, 6900.00,
   '{"movement": "manual", "case_size": "42mm"}', 'new', '["https://cdn.alot.example/speedy.jpg"]', NULL),
  (pg_temp.id('product:birkin'), 'HER-B30-GOLD', 'Birkin 30 Togo Gold', 'Hermès', 'bag', 'MYTHIC', 28000.00, 31500.00,
   '{"leather": "togo", "hardware": "gold"}', 'excellent', '["https://cdn.alot.example/birkin.jpg"]', NULL),
  (pg_temp.id('product:flap'), 'CHA-A01112', 'Classic Flap Medium', 'Chanel', 'bag', 'RARE', 10200.00, 9800.00,
   '{"leather": "caviar"}', 'good', '["https://cdn.alot.example/flap.jpg"]', NULL),
  (pg_temp.id('product:aj1'), 'NIK-AJ1-85-CHI', 'Air Jordan 1 Chicago (1985)', 'Nike', 'sneaker', 'GRAIL', 18000.00, 22000.00,
   '{"size": "US 10"}', 'fair', '["https://cdn.alot.example/aj1.jpg"]', NULL),
  (pg_temp.id('product:ts'), 'NIK-TS-AJ1-LOW', 'Travis Scott x Air Jordan 1 Low', 'Nike', 'sneaker', 'ICON', 1400.00, 1250.00,
   '{"size": "US 9"}', 'new', '["https://cdn.alot.example/ts.jpg"]', NULL);

-- Funding targets are small so that the demo funds rooms with a few dozen buys.
INSERT INTO rooms (id, product_class_id, host_id, lot_type, funding_target, deadline, entry_bundles,
                   trivia_question, trivia_answer_hash, shareable_link, created_at) VALUES
  (pg_temp.id('room:sub'), pg_temp.id('product:sub'), pg_temp.id('host:tick'), 'known', 60.00, LOCALTIMESTAMP + INTERVAL '20 days',
   '[{"amount": 2, "tickets": 2}, {"amount": 5, "tickets": 5}]', 'Which brand makes the Submariner?',
   encode(sha256('rolex'), 'hex'), 'lot-submariner', LOCALTIMESTAMP - INTERVAL '30 days'),
  (pg_temp.id('room:birkin'), pg_temp.id('product:birkin'), NULL, 'known', 80.00, LOCALTIMESTAMP + INTERVAL '24 days',
   '[{"amount": 5, "tickets": 5}, {"amount": 10, "tickets": 10}]', NULL, NULL, 'lot-birkin', LOCALTIMESTAMP - INTERVAL '30 days'),
  (pg_temp.id('room:aj1'), pg_temp.id('product:aj1'), pg_temp.id('host:sole'), 'mystery', 50.00, LOCALTIMESTAMP + INTERVAL '27 days',
   '[{"amount": 2, "tickets": 2}, {"amount": 5, "tickets": 5}]', 'What year did the Air Jordan 1 release?',
   encode(sha256('1985'), 'hex'), 'lot-aj1', LOCALTIMESTAMP - INTERVAL '30 days'),
  (pg_temp.id('room:speedy'), pg_temp.id('product:speedy'), pg_temp.id('host:tick'), 'known', 200.00, LOCALTIMESTAMP + INTERVAL '40 days',
   '[{"amount": 5, "tickets": 5}]', NULL, NULL, 'lot-speedmaster', LOCALTIMESTAMP - INTERVAL '30 days'),
  (pg_temp.id('room:flap'), pg_temp.id('product:flap'), NULL, 'known', 300.00, LOCALTIMESTAMP + INTERVAL '41 days',
   '[{"amount": 5, "tickets": 5}]', NULL, NULL, 'lot-classic-flap', LOCALTIMESTAMP - INTERVAL '30 days'),
  (pg_temp.id('room:ts'), pg_temp.id('product:ts'), pg_temp.id('host:sole'), 'known', 400.00, LOCALTIMESTAMP + INTERVAL '5 seconds',
   '[{"amount": 2, "tickets": 2}]', NULL, NULL, 'lot-travis', LOCALTIMESTAMP - INTERVAL '30 days'),
  (pg_temp.id('room:ts2'), pg_temp.id('product:ts'), pg_temp.id('host:sole'), 'known', 400.00, LOCALTIMESTAMP + INTERVAL '5 seconds',
   '[{"amount": 2, "tickets": 2}]', NULL, NULL, 'lot-travis-2', LOCALTIMESTAMP - INTERVAL '30 days'),
  (pg_temp.id('room:next'), pg_temp.id('product:speedy'), pg_temp.id('host:tick'), 'known', 150.00, LOCALTIMESTAMP + INTERVAL '60 days',
   '[{"amount": 5, "tickets": 5}]', NULL, NULL, 'lot-next-speedmaster', LOCALTIMESTAMP - INTERVAL '30 days');

INSERT INTO audit_logs (admin_user_id, action, entity_type, entity_id, details, created_at)
SELECT pg_temp.id('admin:dana'), 'lot_created', 'lot', id, jsonb_build_object('shareable_link', shareable_link), created_at
  FROM rooms;
