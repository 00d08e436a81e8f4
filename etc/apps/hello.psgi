# Demo PSGI app for etc/vassals/hello-perl.ini.
use strict;
use warnings;

my $app = sub {
    my $body = "Hello from a Perl vassal (pid $$)\n";
    return [200,
            ['Content-Type' => 'text/plain', 'Content-Length' => length($body)],
            [$body]];
};

$app;
