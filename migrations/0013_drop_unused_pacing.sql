-- reserve_send_instants (0005) was replaced by reserve_send_instants_within (0012), which reserves
-- within a horizon and takes back late instants; nothing calls the old function any more.
DROP FUNCTION reserve_send_instants(text[], double precision[], integer[], double precision);
