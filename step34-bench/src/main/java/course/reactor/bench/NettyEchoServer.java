package course.reactor.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The peer the course measures itself against: the echo server a Java developer would write with
 * Netty 4.2 for the same protocol. One event loop accepts, one serves (like our server with
 * {@code --io-threads 1 --workers 0}); frames are cut by {@link LengthFieldBasedFrameDecoder}
 * and written back whole, header included; replies are flushed once per read round, Netty's
 * idiom. The transport is the JDK's NIO, Netty's own epoll binding, or io_uring (the runner
 * checks {@code IoUring.isAvailable()} before it starts that one).
 *
 * <p>usage: NettyEchoServer HOST PORT nio|epoll|uring
 */
public final class NettyEchoServer {
    private static final int MAX_FRAME = 1 << 20;

    private NettyEchoServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3 || !List.of("nio", "epoll", "uring").contains(args[2])) {
            System.err.println("usage: NettyEchoServer HOST PORT nio|epoll|uring");
            System.exit(2);
        }
        IoHandlerFactory io = switch (args[2]) {
            case "epoll" -> EpollIoHandler.newFactory();
            case "uring" -> IoUringIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        };
        Class<? extends ServerChannel> channelType = switch (args[2]) {
            case "epoll" -> EpollServerSocketChannel.class;
            case "uring" -> IoUringServerSocketChannel.class;
            default -> NioServerSocketChannel.class;
        };
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup worker = new MultiThreadIoEventLoopGroup(1, io);
        try {
            Channel listener = new ServerBootstrap()
                    .group(boss, worker)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME + 4, 0, 4), ECHO);
                        }
                    })
                    .bind(new InetSocketAddress(args[0], Integer.parseInt(args[1]))).sync().channel();
            InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
            System.out.println("listening on " + args[0] + ":" + bound.getPort());
            listener.closeFuture().sync();
        } finally {
            boss.shutdownGracefully();
            worker.shutdownGracefully();
        }
    }

    private static final ChannelHandler ECHO = new EchoHandler();

    /** Writes each whole frame back; flushes once the read round is over. */
    @ChannelHandler.Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext context, Object frame) {
            context.write((ByteBuf) frame, context.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            context.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            context.close();
        }
    }
}
